"""python -m services.local up"""

from services.local.cli import main

main()
