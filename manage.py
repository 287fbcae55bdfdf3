#!/usr/bin/env python
from rongmei.cli import main

if __name__ == "__main__":
    main()
