"""A caption model folder's manifest.json, changed in place by the steps after export.

int8_matmul.py, prefold_tables.py and broadcast_memory.py each rewrite the
graphs and then record what they did in the manifest. They write it back in
export.py's layout (indent 1), with a final newline only if it had one, so a
step's diff shows only what the step changed.
"""
import json
import os
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def edited_manifest(folder: str) -> Iterator[dict]:
    """Yields FOLDER/manifest.json as a dict and writes it back when the block ends without an error."""
    path = os.path.join(folder, 'manifest.json')
    with open(path, encoding='utf-8') as f:
        original = f.read()
    manifest = json.loads(original)
    yield manifest
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n' if original.endswith('\n') else '')
