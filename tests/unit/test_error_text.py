"""A refusal's words in the reader's language (issue 12 item 9): ``Text`` is the English ``str`` everyone else sees,
and ``error.say(gettext)`` translates its template — and the "(file …, row …)" suffix's words — never its values."""

from __future__ import annotations

import pickle
import string

from hypothesis import given
from hypothesis import strategies as st

from unforgotten.errors import InputError, LinkageError, NotFoundError, Text, UnforgottenError, say

_words = st.text(alphabet=string.ascii_letters + " .,:;'-—абвгґєії", max_size=12)
_names = st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True)
_values = st.one_of(st.integers(), st.text(max_size=10), st.none(), st.floats(allow_nan=False))


@given(st.lists(st.tuples(_words, _names, st.sampled_from(["", "!r", "!s"])), max_size=5), _words, st.data())
def test_text_formats_as_str_format_and_keeps_template_and_values(
    parts: list[tuple[str, str, str]], tail: str, data: st.DataObject
) -> None:
    template = "".join(f"{words}{{{name}{conversion}}}" for words, name, conversion in parts) + tail
    values = {name: data.draw(_values) for _, name, _ in parts}
    text = Text(template, **values)
    assert text == template.format(**values) and type(str(text)) is str
    assert text.template == template and text.values == values
    assert text.say(lambda message: message) == str(text)  # no catalogue: the same English
    assert pickle.loads(pickle.dumps(text)) == text and pickle.loads(pickle.dumps(text)).template == template


_UK = {
    "no person with id {person_id}": "немає особи з id {person_id}",
    "open it from {where}": "відкрийте з {where}",
    "the overview": "огляду",
    "a bad cell {cell!r}": "погана клітинка {cell!r}",
    "file {file}": "файл {file}",
    "row {row}": "рядок {row}",
    "column {column!r}": "стовпець {column!r}",
    "value {value!r}": "значення {value!r}",
    "fix it": "виправте",
    "{message}\nFailing SQL:\n{sql}": "{message}\nSQL, що не виконався:\n{sql}",
    "broken {x}": "зламано {missing}",  # a translator's slip: English, not a crash
}


def _uk(message: str) -> str:
    return _UK.get(message, message)


def test_str_of_an_error_is_todays_english() -> None:
    error = InputError(
        Text("a bad cell {cell!r}", cell="x"), file="a.csv", row=3, column="name", value="Іван", hint=Text("fix it")
    )
    assert error.message == "a bad cell 'x' (file a.csv, row 3, column 'name', value 'Іван')"
    assert str(error) == "a bad cell 'x' (file a.csv, row 3, column 'name', value 'Іван') — fix it"
    assert str(InputError("plain", row=0)) == "plain (row 0)" and str(InputError(Text("plain"))) == "plain"
    assert str(NotFoundError(Text("no person with id {person_id}", person_id=7))) == "no person with id 7"


def test_say_translates_template_and_suffix_and_keeps_values_verbatim() -> None:
    error = InputError(
        Text("a bad cell {cell!r}", cell="row {row}"), file="row 5.csv", row=3, column="value", value=None,
        hint=Text("fix it"),
    )  # fmt: skip
    assert error.say(_uk) == ("погана клітинка 'row {row}' (файл row 5.csv, рядок 3, стовпець 'value')", "виправте")
    nested = NotFoundError(
        Text("no person with id {person_id}", person_id=7),
        hint=Text("open it from {where}", where=Text("the overview")),
    )
    assert nested.say(_uk) == ("немає особи з id 7", "відкрийте з огляду")
    assert nested.say(lambda m: m) == ("no person with id 7", "open it from the overview")


def test_plain_strings_pass_through_and_a_bad_translation_falls_back_to_english() -> None:
    assert UnforgottenError("row {row}", hint="as is").say(_uk) == ("row {row}", "as is")
    assert say(Text("broken {x}", x=1), _uk) == "broken 1"
    assert say("fix it", _uk) == "fix it"  # only a Text is translated
    sql = LinkageError(Text("fix it"), sql="SELECT 1")
    assert str(sql) == "fix it\nFailing SQL:\nSELECT 1"
    assert sql.say(_uk) == ("виправте\nSQL, що не виконався:\nSELECT 1", None)


def test_joined_keeps_each_parts_template() -> None:
    joined = Text.joined("; ", [Text("fix it"), "as is", Text("row {row}", row=2)])
    assert joined == "fix it; as is; row 2"
    assert joined.say(_uk) == "виправте; as is; рядок 2"
    assert Text.joined(", ", []) == ""
