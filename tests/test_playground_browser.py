"""The classroom playground in a real browser: headless Chromium (Debian's package,
driven by Selenium through Debian's chromedriver).

The page is loaded from a server running in this process on the loopback address;
a slider is moved with the keyboard, as a student would; the figures must move the
right way, the day must play, and the Chinese page must speak Chinese. The time
from letting go of a slider to the updated figures is measured for every classroom
lesson and printed (run with ``-s`` to see it).
"""

from __future__ import annotations

import os
import shutil
import statistics
import threading

import pytest

from ccsim.outputs.playground.lessons import find_lessons
from ccsim.outputs.playground.server import Playground, serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
#: The flags every headless run here uses: no sandbox (root in CI), no GPU, and
#: nothing that reaches the network on its own.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
)

if not os.environ.get("CI"):  # CI installs them all: there a missing one fails
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "needs Debian's chromium and chromium-driver (apt-get install chromium "
            "chromium-driver; .ci/run installs them)",
            allow_module_level=True,
        )
    pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def url():
    """The playground on a free loopback port, its engine warmed up first."""
    playground = Playground(find_lessons())
    playground.warm_up()
    server = serve(playground, "127.0.0.1", 0, warm=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def wait(driver, condition, timeout: float = 60):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition(d))


def updated(driver, side: int, after: int = 0) -> float:
    """Wait until side ``side`` shows a day newer than request ``after``; the seconds
    from the slider's release to the figures on screen."""
    status = driver.find_element(By.ID, f"status-{side}")
    wait(driver, lambda d: int(status.get_attribute("data-seq") or 0) > after)
    return float(status.get_attribute("data-seconds"))


def seq(driver, side: int) -> int:
    return int(driver.find_element(By.ID, f"status-{side}").get_attribute("data-seq") or 0)


def figure(driver, kpi: str, side: int, which: str = "average") -> float:
    """The figure shown in a KPI tile (the tiles are redrawn every frame: read at once)."""
    return float(
        driver.execute_script(
            f"return document.querySelector('#kpi-{kpi}-{side} [data-{which}]')"
            f".getAttribute('data-{which}')"
        )
    )


def agent_cells(driver, side: int) -> int:
    """Agents drawn on a side's floor (the legend's four squares left out)."""
    return (
        driver.execute_script(f"return document.querySelectorAll('#floor-{side} rect').length") - 4
    )


def open_lesson(driver, url: str, lesson: str, lang: str = "en") -> None:
    driver.get(f"{url}?lesson={lesson}" + ("&lang=zh" if lang == "zh" else ""))
    updated(driver, 0)
    updated(driver, 1)


def test_the_day_plays(url, browser):
    open_lesson(browser, url, "one_agent_less")
    clock = browser.find_element(By.ID, "clock")
    first = float(clock.get_attribute("data-t"))
    wait(browser, lambda d: float(clock.get_attribute("data-t")) > first + 300)
    assert clock.text != "08:00"
    # the floor shows the agents: 12 in setting A, one less in setting B
    for side, agents in ((0, 12), (1, 11)):
        assert agent_cells(browser, side) == agents


def test_more_agents_raise_the_service_level(url, browser):
    open_lesson(browser, url, "one_agent_less")
    before = figure(browser, "sl", 1), figure(browser, "asa", 1)
    slider = browser.find_element(By.ID, "lever-1-agents-0")
    last = seq(browser, 1)
    slider.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)  # 11 -> 14 agents
    wait(browser, lambda d: d.find_element(By.ID, "lever-1-agents-0-out").text.startswith("14"))
    wait(browser, lambda d: seq(d, 1) >= last + 3)
    after = figure(browser, "sl", 1), figure(browser, "asa", 1)
    assert after[0] > before[0] + 0.2  # Erlang C: 39 % with 11 agents, 97 % with 14
    assert after[1] < before[1] / 4
    # and fewer agents on A lower it
    sl_a = figure(browser, "sl", 0)
    last = seq(browser, 0)
    browser.find_element(By.ID, "lever-0-agents-0").send_keys(Keys.ARROW_LEFT)
    updated(browser, 0, last)
    assert figure(browser, "sl", 0) < sl_a - 0.1


def test_slider_to_figures_under_a_second(url, browser):
    """From letting go of a slider to the updated figures, for every classroom lesson."""
    seconds = {}
    for lesson in find_lessons():
        open_lesson(browser, url, lesson.key)
        last = seq(browser, 1)
        browser.find_element(By.ID, "lever-1-calls_per_hour").send_keys(Keys.ARROW_LEFT)
        seconds[lesson.key] = updated(browser, 1, last)
    for key, s in seconds.items():
        print(f"slider release to figures: {s:.2f} s  {key}")
    assert statistics.median(seconds.values()) < 1.0, seconds


def test_switch_to_chinese(url, browser):
    open_lesson(browser, url, "pooling_two_teams")
    last = seq(browser, 1)
    browser.find_element(By.ID, "lang").click()
    wait(browser, lambda d: "课堂演练" in d.find_element(By.ID, "title").text)
    updated(browser, 1, last)  # the day again, with the Chinese lesson's names
    assert "lang=zh" in browser.current_url
    text = browser.find_element(By.TAG_NAME, "main").text
    words = "方案 A, 方案 B, 服务水平, 平均应答速度, 放弃率, 占用率, 座席员：销售组, 每小时呼入量"
    words += ", 合并为一个座席组, 通话中, 空闲"
    for word in words.split(", "):
        assert word in text, word
    assert Select(browser.find_element(By.ID, "lesson")).first_selected_option.text.startswith(
        "课堂"
    )
    # the Chinese page by its address
    open_lesson(browser, url, "one_agent_less", lang="zh")
    assert browser.find_element(By.ID, "play").text in ("暂停", "播放")
    assert "English" in browser.find_element(By.ID, "lang").text


def test_pooling_the_teams_shortens_the_wait(url, browser):
    open_lesson(browser, url, "pooling_two_teams")
    asa = figure(browser, "asa", 0)
    last = seq(browser, 0)
    browser.find_element(By.ID, "lever-0-pooled").click()
    updated(browser, 0, last)
    assert figure(browser, "asa", 0) < asa / 2  # Erlang C: 42 s apart, 8 s pooled
    assert agent_cells(browser, 0) == 14


def test_a_bad_request_is_a_message_not_a_crash(url):
    import json
    import urllib.error
    import urllib.request

    body = json.dumps({"scenario": "no_such_lesson", "levers": {}}).encode()
    req = urllib.request.Request(f"{url}api/play", data=body, method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 400
    assert "no lesson 'no_such_lesson'" in json.loads(err.value.read())["error"]
