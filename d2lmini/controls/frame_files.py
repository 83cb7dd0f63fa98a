"""The files of the precomputed frames, under ``$D2LMINI_STATIC_FRAMES``.

``img/<sha>.<svg|png>``: each frame's figures, named by content; ``<panel id>.json``:
a panel's manifest, its id a hash of its content (a rebuilt but unchanged panel keeps
its files, a changed one never meets stale ones); ``timings.jsonl``: one line per
panel, which the build sums up. Every file is written under a temporary name and
renamed, so a reader never sees half a file.
"""

import hashlib
import json
import os


def save_images(frame, folder, close=True):
    """Write the frame's figures (SVG or PNG, as the notebook shows them) as files named
    by content, closing them unless ``close`` is false; return the file names."""
    import matplotlib.pyplot as plt

    from ..plotting import figure_bytes

    names = []
    for fig in frame["figures"]:
        ext, data = figure_bytes(fig)
        if close:
            plt.close(fig)
        if data is None:  # an empty figure: the notebook shows nothing either
            continue
        name = hashlib.sha1(data).hexdigest()[:20] + "." + ext
        path = folder / "img" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        names.append(name)
    return names


def write_manifest(manifest, folder):
    """Save the manifest under an id derived from its content; return the id."""
    text = json.dumps(
        manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    panel_id = "p" + hashlib.sha1(text.encode()).hexdigest()[:16]
    path = folder / f"{panel_id}.json"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return panel_id


def log_timing(folder, name, frames, wall, cpu):
    """One line per panel in ``<folder>/timings.jsonl`` (the build sums them up)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "timings.jsonl", "a", encoding="utf-8") as f:
        f.write(
            json.dumps(
                {
                    "draw": name,
                    "frames": frames,
                    "wall_s": round(wall, 2),
                    "cpu_s": round(cpu, 2),
                }
            )
            + "\n"
        )
