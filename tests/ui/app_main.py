"""NiceGUI main file for the User-fixture tests: the real entry point, settings from env.

The fixtures set STITCHSKETCH_DATA_DIR and STITCHSKETCH_CAPTURE_ADDRESS; NiceGUI's
user simulation runs this file, and `ui.run` returns at once under simulation.
"""

from services.runtime.settings import load_settings
from ui.app import run
from ui.settings import UiSettings

run(load_settings(UiSettings))
