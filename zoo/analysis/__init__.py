"""Looking at trained networks: confusion matrices, confident errors, first-layer filters, feature
maps, FGSM adversarial examples, robustness to rotation, augmentation previews, learning curves.

    from zoo import analysis
    analysis.analyze("runs/cnn_fashion/20250101-120000")      # PNG + JSON in <run>/analysis
    analysis.compare(["runs/cnn_fashion/...", "runs/dense_fashion/..."], out_dir="compare")
    model, config = analysis.open_run("runs/cnn_fashion/20250101-120000")
    analysis.fgsm_accuracy(model, (x_test, y_test), eps=(0, 0.05, 0.1))

The functions below take a model and the data as (x, y) numpy arrays or a tf.data.Dataset of
(x, y) batches; the plot_* functions return matplotlib Figures (drawn without a screen).
"""
from zoo.analysis.adversarial import (EPS, fgsm, fgsm_accuracy, fgsm_examples, input_gradient,
                                      plot_fgsm, plot_fgsm_accuracy)
from zoo.analysis.analyze import DEFAULT_WHAT, WHAT, analyze
from zoo.analysis.augment_preview import augment_samples, plot_augmentation
from zoo.analysis.compare import COMPARE_WHAT, compare
from zoo.reports.confusion import confusion_matrix, plot_confusions, plot_per_class_accuracy
from zoo.reports.curves import plot_learning_curves, read_history
from zoo.analysis.errors_grid import confident_errors, plot_errors
from zoo.analysis.filters import feature_maps, first_layer_filters, plot_feature_maps, plot_filters
from zoo.analysis.output import write_figure, write_json
from zoo.analysis.robustness import (ANGLES, compare_rotation, plot_rotation, rotate,
                                     rotation_accuracy)
from zoo.training.saved_run import open_run

__all__ = ["analyze", "compare", "open_run", "DEFAULT_WHAT", "WHAT", "COMPARE_WHAT", "EPS",
           "ANGLES", "confusion_matrix", "plot_confusions", "plot_per_class_accuracy",
           "confident_errors", "plot_errors", "first_layer_filters", "plot_filters",
           "feature_maps", "plot_feature_maps", "input_gradient", "fgsm", "fgsm_accuracy",
           "fgsm_examples", "plot_fgsm", "plot_fgsm_accuracy", "rotate", "rotation_accuracy",
           "compare_rotation", "plot_rotation", "augment_samples", "plot_augmentation",
           "read_history", "plot_learning_curves", "write_figure", "write_json"]
