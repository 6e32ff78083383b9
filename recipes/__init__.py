"""Training recipes: one record per model, runnable as `python -m recipes.<name>`.

Each module defines RECIPE, a zoo.TrainConfig saying what the model is trained with (dataset,
epochs, batch size, optimizer, rate, schedule, augmentation, averaging, phases), and runs it with
`run_recipe(RECIPE)`; `zoo train NAME` and `zoo.train(NAME)` find the same record. A recipe that is
more than one run (transfer.py: transferred against from scratch) adds an `experiment` function.
"""
