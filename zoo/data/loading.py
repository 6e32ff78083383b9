"""`load`: a dataset's train, validation and test pipelines, from its name and the options."""
from __future__ import annotations

import dataclasses

from zoo import validation
from zoo.data import augment as augment_module
from zoo.data import catalog, datasets, pipeline, splits
from zoo.errors import InvalidArgumentError

TEXT_OPTIONS = {"vocab_size": catalog.DEFAULT_VOCAB_SIZE,
                "sequence_length": catalog.DEFAULT_SEQUENCE_LENGTH}


def _domain(name: str) -> str:
    kind = catalog.folder_kind(name)
    return catalog.FOLDER_KINDS[kind[0]] if kind else catalog.entry(name).info.domain


def _dataset_options(name: str, domain: str, options: dict) -> dict:
    allowed = TEXT_OPTIONS if domain == "text" else {}
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        takes = f"takes only {', '.join(allowed)}" if allowed else "takes no extra options"
        raise InvalidArgumentError(f"Unknown option(s) {', '.join(unknown)} for dataset {name!r}: "
                                   f"it {takes}.")
    merged = {**allowed, **options}
    return {key: validation.positive_int(key, value) for key, value in merged.items()}


def load(name: str, *, data_dir=None, batch_size: int = 128, validation_fraction: float = 0.1,
         subset: int | None = None, seed: int = 0, augment=None, image_size=None,
         cache: bool = True, shuffle_buffer: int | None = None, **dataset_options) -> splits.Splits:
    batch_size = validation.positive_int("batch_size", batch_size)
    validation_fraction = validation.probability("validation_fraction", validation_fraction)
    subset = None if subset is None else validation.positive_int("subset", subset)
    seed = validation.non_negative_int("seed", seed)
    cache = validation.boolean("cache", cache)
    if shuffle_buffer is not None:
        shuffle_buffer = validation.positive_int("shuffle_buffer", shuffle_buffer)
    domain = _domain(name)
    if image_size is not None:
        if domain != "image":
            raise InvalidArgumentError(
                f"image_size is for image datasets; {name!r} holds {domain}.")
        image_size = validation.shape("image_size", image_size, rank=2)
    options = _dataset_options(name, domain, dataset_options)
    augment_module.check_augment(augment, domain)

    raw = datasets.read(name, data_dir=data_dir, image_size=image_size, cache_decoded=cache)
    parts = splits.divide(raw.arrays, validation_fraction=validation_fraction, subset=subset,
                          seed=seed)
    vectorizer = None
    if domain == "text":
        # The vocabulary is adapted on the whole training split even when `subset` trims it, so
        # that token ids do not depend on the subset: a model trained on the full data and
        # evaluated on a subset (zoo evaluate --subset) sees the ids it was trained with.
        vocabulary_source = parts["train"][0] if subset is None else splits.divide(
            raw.arrays, validation_fraction=validation_fraction, subset=None,
            seed=seed)["train"][0]
        parts, vectorizer = _vectorized(parts, vocabulary_source, **options)
    info = dataclasses.replace(raw.info, input_shape=_input_shape(parts["train"][0], domain,
                                                                   image_size))
    augmentation = augment_module.training_layers(augment, info, seed)
    make = dict(batch_size=batch_size, domain=domain, image_size=image_size)
    train = pipeline.make_dataset(*parts["train"], shuffle=True, shuffle_buffer=shuffle_buffer,
                                  seed=seed, augmentation=augmentation, **make)
    evaluation = {split: pipeline.make_dataset(*parts[split], **make)
                  for split in ("validation", "test") if parts[split] is not None}
    sizes = {split: 0 if pair is None else len(pair[1]) for split, pair in parts.items()}
    return splits.Splits(train=train, validation=evaluation.get("validation"),
                         test=evaluation["test"], info=info, sizes=sizes, vectorizer=vectorizer)


def _vectorized(parts: dict, vocabulary_source, *, vocab_size: int, sequence_length: int):
    from zoo.data import text

    vectorizer = text.adapted_vectorizer(vocabulary_source, vocab_size=vocab_size,
                                         sequence_length=sequence_length)
    out = {split: None if pair is None else (text.vectorize(vectorizer, pair[0]), pair[1])
           for split, pair in parts.items()}
    return out, vectorizer


def _input_shape(x, domain: str, image_size) -> tuple:
    shape = tuple(int(d) for d in x.shape[1:])
    if domain == "image" and image_size is not None:
        return tuple(image_size) + shape[2:]
    return shape
