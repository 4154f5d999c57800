import sys

from mylib import maybe_patch_concurrency

maybe_patch_concurrency(sys.argv)

from mylib import worker  # noqa: E402

sys.exit(worker.main(sys.argv[1:]))
