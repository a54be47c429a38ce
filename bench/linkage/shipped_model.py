"""Train the model shipped in ``unforgotten/linkage/data/default_model.json`` again, the same way every time.

Run after any change to the comparisons or blocking rules in ``unforgotten.linkage.model`` (a model file's levels
must match the code's, level by level):

    .venv/bin/python -m bench.linkage.shipped_model

No labels are used: EM on a synthetic scenario (``linkage_pair(20000, seed=101)``), a seed no benchmark run uses.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SIZE, SEED = 20_000, 101


def main() -> None:
    from unforgotten.linkage import features, train_model
    from unforgotten.linkage.engine import LEFT, RIGHT
    from unforgotten.scenario.pairs import linkage_pair

    left, right, _truth = linkage_pair(SIZE, SEED)
    model = train_model(features(left, id_prefix=LEFT), features(right, id_prefix=RIGHT), seed=1)
    model.trained_on["data"] = f"synthetic scenario linkage_pair({SIZE}, seed={SEED}), no labels used"
    target = Path(str(files("unforgotten.linkage") / "data" / "default_model.json"))
    model.save(target)
    print(f"wrote {target} (trained on {model.trained_on['rows']} rows)")


if __name__ == "__main__":
    main()
