"""Model builders, one module per family. Each module registers its builders with `zoo.register`
at import time and imports Keras only inside the builders, so that listing models stays instant."""
