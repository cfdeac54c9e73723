"""Air-gapped by construction: tell every library we use that there is no network.

Called by the CLI before transformers, huggingface_hub, presidio or tldextract are imported,
because several of them read these variables once, at import time.
"""

from __future__ import annotations

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    # Presidio's e-mail/URL recognizers use tldextract, which would fetch the public suffix list.
    "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
}


def apply_offline_env() -> None:
    """Set the offline variables, overriding anything the caller's environment says."""
    os.environ.update(OFFLINE_ENV)
