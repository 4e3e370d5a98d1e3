"""The English/Chinese catalogue and the Chinese font."""

from __future__ import annotations

import re
import string
import warnings

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ccsim import i18n, metrics
from ccsim.i18n import LANGS, MESSAGES, kpi_label, tr, use_font

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_every_language_and_the_same_placeholders():
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key
        assert _fields(texts["en"]) == _fields(texts["zh"]), key


def test_chinese_entries_are_chinese():
    # a zh entry copied from English by mistake has no Chinese character
    same = {k for k, t in MESSAGES.items() if t["zh"] == t["en"]}
    assert same == set()
    untranslated = [k for k, t in MESSAGES.items() if not _CJK.search(t["zh"])]
    assert untranslated == []


def test_every_kpi_of_the_metrics_has_a_label_in_both_languages():
    kpis = {
        *metrics.DAY_KPIS,
        *metrics.GROUP_INTERVAL_KPIS,
        *metrics.GROUP_KPIS,
        *metrics.AGENT_KPIS,
    }
    missing = sorted(k for k in kpis if f"kpi.{k}" not in MESSAGES)
    assert missing == []


def test_glossary_terms():
    assert kpi_label("service_level", "zh") == "服务水平"
    assert kpi_label("asa_s", "zh") == "平均应答速度"
    assert kpi_label("abandon_rate", "zh") == "放弃率"
    assert kpi_label("occupancy", "zh") == "占用率"
    assert kpi_label("service_level") == "Service level"
    assert kpi_label("not_a_kpi", "zh") == "not a kpi"


def test_tr_fills_placeholders_and_rejects_unknown_languages_and_keys():
    assert tr("chart.target", "zh", target="80%") == "目标 80%"
    assert tr("chart.target", target="80%") == "target 80%"
    with pytest.raises(ValueError, match="allowed: en, zh"):
        tr("chart.target", "fr")
    with pytest.raises(KeyError):
        tr("chart.nothing", "en")


def _draw_all_messages(lang: str) -> Figure:
    fig = Figure(figsize=(8, 30))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    for i, texts in enumerate(MESSAGES.values()):
        ax.text(0, i, texts[lang].replace("{", "").replace("}", ""))
    ax.set_ylim(-1, len(MESSAGES))
    ax.set_title("服务水平 −5 %")
    ax.plot([-1, 1], [0, 1])  # negative tick labels: the minus sign
    return fig


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_renders_without_a_missing_glyph(lang, tmp_path):
    # matplotlib warns "Glyph ... missing from font(s) ..." and draws an empty box
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with use_font(lang):
            fig = _draw_all_messages(lang)
            fig.savefig(tmp_path / f"all_{lang}.png", dpi=40)
            fig.savefig(tmp_path / f"all_{lang}.svg")


def test_without_the_font_chinese_has_missing_glyphs(tmp_path):
    # the check above can fail: the default font lacks Chinese glyphs
    with pytest.warns(UserWarning, match="missing from font"):
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.subplots().set_title("服务水平")
        fig.savefig(tmp_path / "boxes.png", dpi=40)


def test_a_missing_font_is_a_clear_warning(monkeypatch):
    monkeypatch.setattr(i18n, "cjk_font", lambda: None)
    with pytest.warns(i18n.ChineseFontMissing, match="pip install mplfonts"):
        assert i18n.font_families("zh") == ["DejaVu Sans"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert i18n.font_families("en") == ["DejaVu Sans"]


def test_the_font_file_of_the_environment_comes_first(monkeypatch):
    shipped = i18n._mplfonts_file()
    assert shipped is not None, "mplfonts (a dependency) ships Noto Sans CJK SC"
    monkeypatch.setenv(i18n.FONT_ENV, str(shipped))
    assert i18n.cjk_font() == "Noto Sans CJK SC"
    assert i18n.font_families("zh")[0] == "Noto Sans CJK SC"
    assert i18n.font_families("en") == ["DejaVu Sans", "Noto Sans CJK SC"]
