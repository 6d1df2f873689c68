"""alignscape measure: the GPT-4 judge's length bias, length-controlled win rates, tie and
unparsable rates and same-family preference on AlpacaEval, and the pipeline's own judges
against it; a JSON file of every number and SVG figures."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from alignscape.commands import root_of

JUDGES = ("heuristic", "embedding", "local")


def register(sub) -> None:
    p = sub.add_parser(
        "measure", help="measure LLM-judge trade-offs on the AlpacaEval verdicts",
        description="Measure, from the recorded AlpacaEval GPT-4 verdicts and the 14-model "
        "response pool: the judge's length bias by length-ratio bucket, raw and "
        "length-controlled win rates (logistic regression, AlpacaEval 2.0 style), tie and "
        "unparsable-verdict rates, same-family preference (descriptive), and the agreement "
        "and position consistency of the judges the pipeline ships. Every figure has its n and "
        "a prompt-clustered bootstrap 95%% interval. Writes alpaca_eval_judges.json and SVG "
        "plots to --out.")
    p.add_argument("--data", help="AlpacaEval folder (prompts.jsonl, responses.jsonl.gz, "
                   "judgments.jsonl.gz); default ../shared/data/alpaca_eval beside the project")
    p.add_argument("--out", help="output folder (default catalog/measurements)")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap and the judges' "
                   "prompt sample (0)")
    p.add_argument("--bootstrap", type=int, default=1000, metavar="N",
                   help="bootstrap replicates (1000)")
    p.add_argument("--judges", default=",".join(JUDGES),
                   help="comma-separated pipeline judges to measure, from "
                   f"{', '.join(JUDGES)}; 'none' for the GPT-4 analyses only (default: all)")
    p.add_argument("--judge-prompts", type=int, default=50, metavar="K",
                   help="prompts sampled for the model judges (embedding, local), the same K for "
                   "every generator; 0 = all 805 (slow on CPU). The heuristic sees every pair "
                   "(50)")
    p.add_argument("--no-figures", action="store_true", help="write the JSON only")
    p.set_defaults(handler=run)


def _shown(path: Path, root: Path) -> str:
    try:
        shown = os.path.relpath(path.resolve(), root)
    except ValueError:
        return str(path.resolve())
    return str(path.resolve()) if shown.startswith(os.pardir + os.sep + os.pardir) else shown


def run(args) -> int:
    from alignscape.measure.report import OUTPUT, measure

    root = root_of(args)
    data = Path(args.data) if args.data else root.parent / "shared" / "data" / "alpaca_eval"
    out = Path(args.out) if args.out else root / "catalog" / "measurements"
    names = [] if args.judges.strip() in ("", "none") else \
        [j.strip() for j in args.judges.split(",") if j.strip()]
    unknown = [j for j in names if j not in JUDGES]
    if unknown:
        print(f"alignscape measure: unknown judge {unknown[0]!r}; expected {', '.join(JUDGES)} "
              "or none", file=sys.stderr)
        return 2
    if args.bootstrap < 0 or args.judge_prompts < 0:
        print("alignscape measure: --bootstrap and --judge-prompts must be >= 0",
              file=sys.stderr)
        return 2
    command = (f"alignscape measure --data {_shown(data, root)} --out {_shown(out, root)} "
               f"--seed {args.seed} --bootstrap {args.bootstrap} "
               f"--judges {','.join(names) or 'none'} --judge-prompts {args.judge_prompts}"
               + (" --no-figures" if args.no_figures else "") + "   (from the project root)")
    try:
        result = measure(data, out, seed=args.seed, replicates=args.bootstrap,
                         judge_names=names, judge_prompts=args.judge_prompts, command=command,
                         figures=not args.no_figures,
                         log=lambda msg: print(msg, file=sys.stderr))
    except FileNotFoundError as exc:
        print(f"alignscape measure: {exc}", file=sys.stderr)
        return 1
    for line in result["summary"]:
        print(line)
    print(f"wrote {_shown(out / OUTPUT, root)}"
          + "".join(f", {f['file']}" for f in result["figures"]))
    return 0
