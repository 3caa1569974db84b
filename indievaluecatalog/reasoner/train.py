"""Entry point of a training run: ``python -m indievaluecatalog.reasoner.train --config FILE [--resume]``.

The same module runs under ``accelerate launch -m indievaluecatalog.reasoner.train`` for several GPUs.
"""

import sys

from indievaluecatalog.reasoner._train import main

if __name__ == "__main__":
    sys.exit(main())
