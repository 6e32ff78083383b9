import os

# Quiet TensorFlow's C++ start-up lines in test output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
