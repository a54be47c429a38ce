"""The lexicon file ships with the package and holds what the generator and the linker rely on."""

from __future__ import annotations

from importlib import resources

from unforgotten.names import lexicon


def test_data_file_is_package_data() -> None:
    assert resources.files("unforgotten.names").joinpath("data", "given_names.tsv").is_file()


def test_size_and_shape() -> None:
    groups = lexicon()
    assert len(groups) >= 400
    assert {g.sex for g in groups} == {"M", "F"}
    assert sum(g.sex == "F" for g in groups) >= 150
    assert len({g.group for g in groups}) == len(groups)
    for g in groups:
        assert g.uk and g.ru and g.latin and g.weight > 0, g
        assert all(f.isascii() for f in g.latin), g


def test_named_groups() -> None:
    by_group = {g.group: g for g in lexicon()}
    assert {"Олександр", "Александр", "Oleksandr", "Aleksandr", "Alexander"} <= set(by_group["oleksandr"].forms)
    assert {"Юрій", "Юрий", "Yurii", "Iurii", "Yuriy", "Jurij", "Yuri"} <= set(by_group["yurii"].forms)
    assert {"Олексій", "Алексей", "Oleksii", "Aleksey", "Alexei"} <= set(by_group["oleksii"].forms)
