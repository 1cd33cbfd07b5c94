"""Screenshots of a real TensorBoard page for the README (headless Chromium).

Trains `recipes/quickstart.yaml` into a temporary runs folder (or uses
RUNS_DIR), starts `keras_recipes board` on a free 127.0.0.1 port, and
captures the Scalars and Images tabs into docs/.

Usage: python tools/tensorboard_screenshot.py [RUNS_DIR]
Needs: chromium (Debian: apt-get install -y chromium).
"""

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGES = {
    "tensorboard_scalars.png": "#scalars&tagFilter=epoch_loss%7C%5Egrad_norm%7Clearning_rate%24"
                               "%7Cmacro_f1&_smoothingWeight=0",
    "tensorboard_images.png": "#images&tagFilter=confusion",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"TensorBoard did not answer at {url}")


def main() -> None:
    if CHROMIUM is None:
        raise SystemExit("chromium not found (apt-get install -y chromium)")
    if len(sys.argv) > 1:
        runs = Path(sys.argv[1])
    else:
        runs = Path(tempfile.mkdtemp(prefix="kr_screenshot_")) / "runs"
        subprocess.run([sys.executable, "-m", "keras_recipes", "train", "recipes/quickstart.yaml",
                        "--output", str(runs), "--verbose", "0"], cwd=ROOT, check=True)
    port = _free_port()
    board = subprocess.Popen([sys.executable, "-m", "keras_recipes", "board", str(runs),
                              "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{port}/data/logdir")
        for name, fragment in PAGES.items():
            out = ROOT / "docs" / name
            out.parent.mkdir(exist_ok=True)
            subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                            "--hide-scrollbars", f"--screenshot={out}", "--window-size=1400,1000",
                            "--virtual-time-budget=20000", f"http://127.0.0.1:{port}/{fragment}"],
                           check=True, capture_output=True, timeout=180)
            print(f"wrote {out.relative_to(ROOT)}")
    finally:
        board.terminate()
        board.wait(timeout=30)


if __name__ == "__main__":
    main()
