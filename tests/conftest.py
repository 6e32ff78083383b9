import os

# Quiet TensorFlow's C++ start-up lines in test output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# The README's test command gives ZOO_DATA_DIR=../shared/data, relative to the checkout; tests
# that run `zoo` in a subprocess from a temporary folder must still find the data.
if os.environ.get("ZOO_DATA_DIR"):
    os.environ["ZOO_DATA_DIR"] = os.path.abspath(os.environ["ZOO_DATA_DIR"])

# The test files that take longest (--durations, 2026-12-02, beside a training: each over 200 s).
# pytest-xdist's --dist loadfile hands files to the two workers in collection order, so a slow
# file collected late ran alone at the end: CI took 1,114 s, the last 6% of the tests over four
# minutes of it. Collected first, they overlap with the rest.
SLOW_FILES_FIRST = ("tests/benchmarks/test_benchmarks.py", "tests/cli/test_jax_backend.py",
                    "tests/recipes/test_recipes.py", "tests/runner/test_runner.py",
                    "tests/test_readme.py")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        path = os.path.relpath(str(item.path), str(config.rootpath)).replace(os.sep, "/")
        return SLOW_FILES_FIRST.index(path) if path in SLOW_FILES_FIRST else len(SLOW_FILES_FIRST)
    items.sort(key=rank)  # stable: the order within each file and among the rest is kept
