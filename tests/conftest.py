import os

# Quiet TensorFlow's C++ start-up lines in test output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# The README's test command gives ZOO_DATA_DIR=../shared/data, relative to the checkout; tests
# that run `zoo` in a subprocess from a temporary folder must still find the data.
if os.environ.get("ZOO_DATA_DIR"):
    os.environ["ZOO_DATA_DIR"] = os.path.abspath(os.environ["ZOO_DATA_DIR"])
