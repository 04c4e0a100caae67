"""onnx_check.py FILE... - onnx.checker (full check, with shape inference)
on each ONNX file bibc exported; prints one line per failure and a count.
FILE.src beside a FILE, if present, names the model it was exported from:
an export that fails while that model fails too (with the same first line)
is counted as invalid as read, not as a failure.  A file whose opsets are
newer than the installed onnx package knows is counted as skipped.  Exit
status 1 if any file fails."""
import os
import sys

import onnx
import onnx.checker
import onnx.defs

newest = onnx.defs.onnx_opset_version()


def check(path):
    """The first line of the checker's complaint about path, or None."""
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        return None
    except Exception as e:  # the checker's ValidationError and inference errors
        return str(e).splitlines()[0] if str(e) else type(e).__name__


ok = bad = skipped = as_read = 0
for path in sys.argv[1:]:
    model = onnx.load(path)
    if any(o.domain in ("", "ai.onnx") and o.version > newest for o in model.opset_import):
        skipped += 1
        continue
    why = check(path)
    if why is None:
        ok += 1
        continue
    src = os.path.splitext(path)[0] + ".src"
    source = open(src).read().strip() if os.path.exists(src) else None
    if source and check(source) == why:
        as_read += 1
        continue
    bad += 1
    print("FAIL %s%s: %s" % (path, " (from %s)" % source if source else "", why))
print("onnx.checker %s: %d exported models valid, %d invalid, %d invalid as read, "
      "%d skipped (opset above %d)" % (onnx.__version__, ok, bad, as_read, skipped, newest))
sys.exit(1 if bad else 0)
