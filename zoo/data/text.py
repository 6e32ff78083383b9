"""Raw text to integer sequences: a TextVectorization layer adapted on the training split only."""
from __future__ import annotations

import re
import string

import keras
import numpy as np
import tensorflow as tf

ADAPT_BATCH = 1024


@keras.saving.register_keras_serializable(package="zoo")
def standardize_text(text):
    """Lowercase, drop HTML line breaks (IMDB reviews are full of `<br />`), strip punctuation."""
    text = tf.strings.lower(text)
    text = tf.strings.regex_replace(text, "<br />", " ")
    return tf.strings.regex_replace(text, f"[{re.escape(string.punctuation)}]", "")


def adapted_vectorizer(texts: np.ndarray, *, vocab_size: int, sequence_length: int):
    """A TextVectorization layer whose vocabulary comes from `texts` (the training split)."""
    vectorizer = keras.layers.TextVectorization(
        max_tokens=vocab_size, output_mode="int", output_sequence_length=sequence_length,
        standardize=standardize_text, name="text_vectorization")
    vectorizer.adapt(tf.data.Dataset.from_tensor_slices(texts).batch(ADAPT_BATCH))
    return vectorizer


def vectorize(vectorizer, texts: np.ndarray) -> np.ndarray:
    """Token ids (N, sequence_length) int32."""
    batches = tf.data.Dataset.from_tensor_slices(texts).batch(ADAPT_BATCH).map(vectorizer)
    ids = [batch for batch in batches.as_numpy_iterator()]
    length = vectorizer.get_config()["output_sequence_length"]
    return np.concatenate(ids).astype(np.int32) if ids else np.zeros((0, length), np.int32)
