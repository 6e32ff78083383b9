"""Embedding + recurrent networks for sentiment of review text (integer token sequences)."""
from __future__ import annotations

from zoo import validation
from zoo.models import heads
from zoo.registry import Reference, register

CELLS = ("lstm", "gru", "simple_rnn")


def sequence_classifier(*, name, cell, vocab_size, sequence_length, embedding_dim, units,
                        bidirectional, dropout, l2, num_classes, head):
    """Embedding -> (bidirectional) recurrent layer(s) -> head. Token id 0 is padding and is masked."""
    import keras
    num_classes, head, dropout, l2, _ = heads.check_common(
        num_classes=num_classes, head=head, dropout=dropout, l2=l2)
    validation.choice("cell", cell, CELLS)
    units = validation.positive_ints("units", units)
    bidirectional = validation.boolean("bidirectional", bidirectional)
    layer = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU,
             "simple_rnn": keras.layers.SimpleRNN}[cell]

    inputs = keras.Input(shape=(validation.positive_int("sequence_length", sequence_length),),
                         dtype="int32", name="tokens")
    x = keras.layers.Embedding(validation.positive_int("vocab_size", vocab_size),
                               validation.positive_int("embedding_dim", embedding_dim),
                               mask_zero=True, name="embedding")(inputs)
    for i, n in enumerate(units, start=1):
        rnn = layer(n, return_sequences=i < len(units), kernel_regularizer=heads.regularizer(l2),
                    name=f"{cell}{i}")
        x = keras.layers.Bidirectional(rnn, name=f"bi_{cell}{i}")(x) if bidirectional else rnn(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = heads.output_head(x, head=head, num_classes=num_classes, l2=l2)
    return keras.Model(inputs, outputs, name=name)


@register(family="recurrent", task="binary", input_shape=(200,), num_outputs=1, dataset="imdb",
          params=2_609_473, macs=9_868_864,
          description="Embedding 128, LSTM 64, Dense 1 sigmoid on review tokens.",
          reference=Reference("accuracy", 0.8428, "keras.io", "bidirectional LSTM on IMDB"))
def lstm_sentiment(*, vocab_size=20_000, sequence_length=200, embedding_dim=128, units=64,
                   bidirectional=False, dropout=0.2, l2=0.0, num_classes=2, head="sigmoid"):
    return sequence_classifier(name="lstm_sentiment", cell="lstm", vocab_size=vocab_size,
                               sequence_length=sequence_length, embedding_dim=embedding_dim,
                               units=units, bidirectional=bidirectional, dropout=dropout, l2=l2,
                               num_classes=num_classes, head=head)


@register(family="recurrent", task="binary", input_shape=(200,), num_outputs=1, dataset="imdb",
          params=2_572_417, macs=2_457_664,
          description="Embedding 128, SimpleRNN 64, Dense 1 sigmoid on review tokens.",
          reference=Reference("accuracy", None, "none", "measured by its recipe"))
def rnn_sentiment(*, vocab_size=20_000, sequence_length=200, embedding_dim=128, units=64,
                  bidirectional=False, dropout=0.2, l2=0.0, num_classes=2, head="sigmoid"):
    return sequence_classifier(name="rnn_sentiment", cell="simple_rnn", vocab_size=vocab_size,
                               sequence_length=sequence_length, embedding_dim=embedding_dim,
                               units=units, bidirectional=bidirectional, dropout=dropout, l2=l2,
                               num_classes=num_classes, head=head)
