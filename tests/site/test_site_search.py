"""Search that finds: real queries typed into the site's search box put the expected page
first (an entry's short name, alias, paper title or id; a taxonomy option; a trade-off
dimension), and bulk pages stay out of the index."""

from __future__ import annotations

import html
import json
from urllib.parse import urlsplit

import pytest

# (query as a reader types it, the page its first result must open)
TOP_HITS = [
    ("DPO", "entries/dpo.html"),
    ("GRPO", "entries/grpo_deepseekmath.html"),
    ("Dr. GRPO", "entries/dr_grpo.html"),
    ("UltraFeedback", "entries/ultrafeedback.html"),
    ("KTO", "entries/kto.html"),
    ("SimPO", "entries/simpo.html"),
    ("ORPO", "entries/orpo.html"),
    ("IPO", "entries/ipo.html"),
    ("DAPO", "entries/dapo.html"),
    ("PPO", "entries/ppo_rlhf.html"),
    ("Constitutional AI", "entries/constitutional_ai.html"),
    ("CAI", "entries/constitutional_ai.html"),
    ("RLAIF", "entries/rlaif.html"),
    ("RLAIF-V", "entries/rlaif_v.html"),
    ("Self-Rewarding", "entries/self_rewarding.html"),
    ("SPIN", "entries/spin.html"),
    ("Math-Shepherd", "entries/math_shepherd.html"),
    ("Prometheus", "entries/prometheus.html"),
    ("Prometheus 2", "entries/prometheus2.html"),
    ("HelpSteer2", "entries/helpsteer2.html"),
    ("SteerLM", "entries/steerlm.html"),
    ("RewardBench", "entries/rewardbench.html"),
    ("RewardBench 2", "entries/rewardbench2.html"),
    ("OmegaPRM", "entries/omegaprm.html"),
    ("RRHF", "entries/rrhf.html"),
    ("LiPO", "entries/lipo.html"),
    ("WPO", "entries/wpo.html"),
    ("β-DPO", "entries/beta_dpo.html"),
    ("DPOP", "entries/dpop_smaug.html"),
    ("HALOs", "entries/kto.html"),  # an alias
    ("Self-Play fIne-tuNing", "entries/spin.html"),  # an alias spelled as the paper does
    ("Direct Preference Optimization", "entries/dpo.html"),  # the paper title
    ("math shepherd", "entries/math_shepherd.html"),  # the id, read as words
    ("UltraChat", "entries/ultrachat.html"),
    ("AlpacaFarm", "entries/alpacafarm.html"),
    ("reward model", "taxonomy/evaluation.html#evaluators-reward_model"),
    ("LLM judge", "taxonomy/evaluation.html#evaluators-llm_judge"),
    ("policy sampling", "taxonomy/synthesis.html#sources-policy_sampling"),
    ("pairwise comparison", "taxonomy/evaluation.html#protocol-pairwise_comparison"),
    ("rubric or checklist", "taxonomy/evaluation.html#protocol-rubric_checklist"),
    ("best-of-n", "taxonomy/synthesis.html#selection-best_of_n"),
    ("length bias", "tradeoffs/length_bias.html"),
    ("position bias", "tradeoffs/position_bias.html"),
    ("reward hacking", "tradeoffs/reward_hacking_risk.html"),
    ("annotation cost", "tradeoffs/annotation_cost.html"),
    ("explorer", "explorer.html"),
]

pytestmark = pytest.mark.browser


def _open_search(page, site_url):
    page.goto(site_url + "index.html")
    page.wait_for_load_state("networkidle")
    page.click("label.md-search__icon, .md-search__input")
    # The theme answers only once its worker has loaded the index; typing earlier is lost.
    page.wait_for_function("""() => {
        const meta = document.querySelector('.md-search-result__meta');
        return meta && meta.textContent.trim() && !/initiali/i.test(meta.textContent);
    }""", timeout=30_000)


def _top_hit(page, query, expected):
    page.fill("input.md-search__input", "")
    page.type("input.md-search__input", query, delay=20)
    try:
        page.wait_for_function(
            """([want]) => {
                const links = [...document.querySelectorAll(
                    '.md-search-result__item:first-child a')].slice(0, 2);
                return links.some(a => (new URL(a.href).pathname + new URL(a.href).hash)
                    .endsWith('/' + want));
            }""", arg=[expected], timeout=4_000)
    except Exception:
        pass
    page.wait_for_timeout(150)
    # The first result: a page, or for a section the page's link and then the section's.
    return page.eval_on_selector_all(
        ".md-search-result__item:first-child a", "as => as.slice(0, 2).map(a => a.href)")


def test_real_queries_put_the_expected_page_first(catalog, site_url, page):
    assert len(TOP_HITS) >= 20
    _open_search(page, site_url)
    misses = []
    for query, expected in TOP_HITS:
        links = [urlsplit(h) for h in _top_hit(page, query, expected)]
        path, _, fragment = expected.partition("#")
        first = [h for h in links if h.path.endswith("/" + path) and h.fragment == fragment]
        # a page must be the first link; a section the first link within its page
        if not first or (not fragment and links[0] != first[0]):
            misses.append((query, expected, [h.path + "#" + h.fragment for h in links]))
    assert misses == [], misses
    assert page.errors == []


def test_search_titles_carry_short_names_and_entries_carry_their_names(catalog, site_dir):
    index = json.loads((site_dir / "search" / "search_index.json").read_text())
    docs = {d["location"]: d for d in index["docs"]}
    for entry in catalog:
        doc = docs[f"entries/{entry.id}.html"]
        # front-matter values reach the theme HTML-escaped (themes print them unescaped)
        tags = {html.unescape(t) for t in doc["tags"]}
        assert html.unescape(doc["title"]) == entry.label, entry.id
        names = {" ".join(n.split()) for n in (entry.label, entry.name, *entry.aliases)}
        assert names <= tags, (entry.id, names - tags)


def test_bulk_pages_stay_out_of_the_index(site_dir):
    index = json.loads((site_dir / "search" / "search_index.json").read_text())
    locations = [d["location"] for d in index["docs"]]
    graph_pages = [loc for loc in locations if loc.startswith("graphs/")
                   and not loc.startswith("graphs/index.html")]
    assert graph_pages == []
    assert not any(loc.startswith("entries/index.html") for loc in locations)
    biggest = max(index["docs"], key=lambda d: len(d["text"]))
    assert len(biggest["text"]) < 25_000, (biggest["location"], len(biggest["text"]))
