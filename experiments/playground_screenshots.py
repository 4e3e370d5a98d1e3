"""Screenshots of the classroom playground for the docs (docs/img/playground_*.png).

Starts the playground on a free loopback port, opens it in headless Chromium
(Debian's chromium and chromium-driver, through Selenium), pauses the day at
11:00 and saves the page in English (lesson 1: one agent less) and in Chinese
(the same lesson).

    .venv/bin/python experiments/playground_screenshots.py [--out docs/img]
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

from ccsim.outputs.playground.lessons import find_lessons
from ccsim.outputs.playground.server import Playground, serve

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--window-size=1280,900", "--hide-scrollbars")  # fmt: skip
SHOTS = (
    ("playground_en.png", "one_agent_less", "en"),
    ("playground_zh.png", "one_agent_less", "zh"),
)


#: Both settings have played their day.
READY = "return document.querySelectorAll('[data-seq]').length"


def crop(png: bytes, height: int):
    """The screenshot without the empty page below the content."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png))
    return image.crop((0, 0, image.width, min(height, image.height)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--at", default="11:00", help="the time of day shown (HH:MM)")
    args = parser.parse_args()
    hours, minutes = (int(x) for x in args.at.split(":"))
    playground = Playground(find_lessons())
    playground.warm_up()
    server = serve(playground, "127.0.0.1", 0, warm=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        for name, lesson, lang in SHOTS:
            driver.get(f"{url}?lesson={lesson}" + ("&lang=zh" if lang == "zh" else ""))
            WebDriverWait(driver, 60).until(lambda d: d.execute_script(READY) == 2)
            driver.execute_script(  # pause, and move the time slider to --at, as a person would
                "const s = window.ccsimPlayground, times = s.sides[0].data.times;"
                "if (s.playing) document.getElementById('play').click();"
                "const range = document.getElementById('time');"
                "const span = times.at(-1) - times[0];"
                "range.value = Math.round(1000 * (arguments[0] - times[0]) / span);"
                "range.dispatchEvent(new Event('input'));",
                hours * 3600 + minutes * 60,
            )
            driver.execute_async_script("document.fonts.ready.then(arguments[0])")
            args.out.mkdir(parents=True, exist_ok=True)
            png = driver.get_screenshot_as_png()
            bottom = driver.execute_script(
                "return Math.ceil(document.querySelector('main').getBoundingClientRect().bottom)"
            )
            crop(png, bottom + 14).save(args.out / name)
            print(f"wrote {args.out / name}")
    finally:
        driver.quit()
        server.shutdown()


if __name__ == "__main__":
    main()
