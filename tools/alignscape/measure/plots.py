"""SVG figures of the measurements, legible on light and dark pages: transparent background,
mid-grey text and axes, two colours that keep their contrast on white and on near-black, text
kept as text (``svg.fonttype: none``) and no timestamps or random ids, so the same numbers give
byte-identical files. Each figure's numbers are also in the JSON as a table (``figures``)."""

from __future__ import annotations

from pathlib import Path

GREY = "#888888"
BLUE = "#3b82f6"
ORANGE = "#f59e0b"
STYLE = {
    "svg.fonttype": "none", "svg.hashsalt": "alignscape-measure", "figure.facecolor": "none",
    "axes.facecolor": "none", "savefig.transparent": True, "text.color": GREY,
    "axes.labelcolor": GREY, "axes.edgecolor": GREY, "xtick.color": GREY, "ytick.color": GREY,
    "font.size": 10, "font.family": "sans-serif", "axes.spines.top": False,
    "axes.spines.right": False, "legend.frameon": False,
}


def _pyplot():
    try:
        import matplotlib
    except ImportError as exc:
        raise RuntimeError("the figures need matplotlib (pip install 'alignscape[measure]')") \
            from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _err(value, ci):
    return [[value - ci["low"]], [ci["high"] - value]]


def length_buckets(length_bias: dict, path: Path) -> dict:
    plt = _pyplot()
    rows = length_bias["buckets"]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 3.6))
        for i, row in enumerate(rows):
            est = row["longer_win_rate"]
            if est["value"] is None:
                continue
            ax.bar(i, est["value"], color=BLUE, width=0.65)
            ax.errorbar(i, est["value"], yerr=_err(est["value"], est["ci95"]), color=GREY,
                        capsize=4, lw=1.2)
            ax.text(i, 0.03, f"n={row['n']}", ha="center", va="bottom", color="white",
                    fontsize=8)
        ax.axhline(0.5, color=GREY, lw=0.8, ls="--")
        ax.set_xticks(range(len(rows)), [r["bucket"] for r in rows])
        ax.set_ylim(0, 1)
        ax.set_xlabel("length ratio, longer / shorter response (characters)")
        ax.set_ylabel("share of GPT-4 verdicts for the longer")
        ax.set_title("GPT-4 judge on AlpacaEval: the longer response wins more often "
                     f"(n={length_bias['overall']['n']}, 95% bootstrap CI)", fontsize=9.5)
        fig.tight_layout()
        fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    return {"file": path.name,
            "title": "How often the longer response wins, by length ratio",
            "alt": "Bar chart: the share of GPT-4 verdicts for the longer response rises from "
                   "about one half when the lengths are within 10% to about nine in ten when "
                   "one response is twice as long or more.",
            "table": {"columns": ["bucket", "n", "longer_win_rate", "ci95_low", "ci95_high"],
                      "rows": [[r["bucket"], r["n"], r["longer_win_rate"]["value"],
                                r["longer_win_rate"]["ci95"]["low"],
                                r["longer_win_rate"]["ci95"]["high"]] for r in rows]}}


def raw_vs_lc(length_control: dict, path: Path) -> dict:
    plt = _pyplot()
    rows = length_control["generators"]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 0.55 * len(rows) + 1.8))
        for i, row in enumerate(rows):
            y = len(rows) - 1 - i
            for key, colour, dy, label in (("raw_win_rate", ORANGE, 0.15, "raw"),
                                           ("lc_win_rate", BLUE, -0.15, "length-controlled")):
                est = row[key]
                ax.errorbar(est["value"], y + dy, xerr=_err(est["value"], est["ci95"]),
                            fmt="o", color=colour, capsize=3, lw=1.2, ms=5,
                            label=label if i == 0 else None)
        ax.axvline(0.5, color=GREY, lw=0.8, ls="--")
        ax.set_yticks(range(len(rows)), [f"{r['generator']} (n={r['n']})" for r in reversed(rows)])
        ax.set_xlim(0, 1)
        ax.set_xlabel("win rate against text_davinci_003 (GPT-4 judge, ties half)")
        ax.set_title("Raw vs length-controlled win rate (95% bootstrap CI)", fontsize=9.5)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        fig.legend(loc="lower center", ncol=2, fontsize=8)
        fig.tight_layout(rect=(0, 0.08, 1, 1))
        fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    return {"file": path.name,
            "title": "Raw and length-controlled win rate per generator",
            "alt": "Dot plot: for every generator the length-controlled win rate lies below "
                   "the raw one, most of all for llama-2-7b-chat-hf, whose answers are much "
                   "longer than the baseline's.",
            "table": {"columns": ["generator", "n", "raw", "raw_low", "raw_high", "lc", "lc_low",
                                  "lc_high"],
                      "rows": [[r["generator"], r["n"], r["raw_win_rate"]["value"],
                                r["raw_win_rate"]["ci95"]["low"],
                                r["raw_win_rate"]["ci95"]["high"], r["lc_win_rate"]["value"],
                                r["lc_win_rate"]["ci95"]["low"],
                                r["lc_win_rate"]["ci95"]["high"]] for r in rows]}}


def judge_agreement(judges: dict, path: Path) -> dict:
    plt = _pyplot()
    names = [n for n, j in judges["judges"].items() if j.get("available")]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 0.7 * len(names) + 1.8))
        table = []
        for i, name in enumerate(names):
            j = judges["judges"][name]
            y = len(names) - 1 - i
            for key, colour, dy, label in (
                    (("combined", "agreement"), BLUE, 0.15, "agreement with GPT-4"),
                    (("position_consistency",), ORANGE, -0.15, "position consistency")):
                est = j[key[0]][key[1]] if len(key) == 2 else j[key[0]]
                if est["value"] is None:
                    continue
                ax.errorbar(est["value"], y + dy, xerr=_err(est["value"], est["ci95"]),
                            fmt="o", color=colour, capsize=3, lw=1.2, ms=5,
                            label=label if i == 0 else None)
            base = j["baselines"]["always_generator"]["value"]
            ax.plot([base], [y + 0.15], marker="|", color=GREY, ms=12,
                    label="always the non-baseline model" if i == 0 else None)
            agree = j["combined"]["agreement"]
            cons = j["position_consistency"]
            table.append([name, j["n_pairs"], agree["value"], agree["ci95"]["low"],
                          agree["ci95"]["high"], cons["value"], cons["n"], base])
        ax.set_yticks(range(len(names)), [f"{n} (n={judges['judges'][n]['n_pairs']})"
                                          for n in reversed(names)])
        ax.set_xlim(0, 1.02)
        ax.set_xlabel("share of pairs")
        ax.set_title("The pipeline's judges against GPT-4 on AlpacaEval (95% bootstrap CI)",
                     fontsize=9.5)
        ax.set_ylim(-0.6, len(names) - 0.4)
        fig.legend(loc="lower center", ncol=3, fontsize=8)
        fig.tight_layout(rect=(0, 0.1, 1, 1))
        fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    return {"file": path.name, "title": "Agreement with GPT-4 and position consistency per judge",
            "alt": "Dot plot of each shipped judge's three-way agreement with the GPT-4 "
                   "verdicts and its position consistency, with the agreement of always "
                   "preferring the non-baseline model marked for reference.",
            "table": {"columns": ["judge", "n_pairs", "agreement", "agreement_low",
                                  "agreement_high", "position_consistency",
                                  "n_both_orders_parsed", "always_generator_agreement"],
                      "rows": table}}
