"""python -m services.local up | admin …"""

from services.cli.main import main

main()
