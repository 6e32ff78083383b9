"""Hyperparameter search over the zoo's models, on keras-tuner.

    import tuning
    tuning.default_space("cnn_fashion")                       # name -> spec, plain data
    result = tuning.search("cnn_fashion", strategy="bayesian", max_trials=20,
                           tune={"filters": tuning.Choice((8, 16, 32))})
    result.best_hyperparameters, result.test, result.search_dir
    tuning.compare("cnn_fashion", "grid,random,bayesian,hyperband")

Importing this package imports neither TensorFlow nor keras-tuner; searching does.
"""
from tuning.compare import compare
from tuning.plan import STRATEGIES
from tuning.search import SearchResult, search
from tuning.spaces import Boolean, Choice, Fixed, Float, Int, default_space

__all__ = ["search", "compare", "SearchResult", "default_space", "Choice", "Int", "Float",
           "Boolean", "Fixed", "STRATEGIES"]
