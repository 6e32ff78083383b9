"""What every finished run reports and analysis draws on: learning curves, confusion matrices, and
the figure and prediction helpers they share. Below both the training layer and zoo.analysis."""
