from glmlint.cli import main

main()
