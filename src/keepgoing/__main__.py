from keepgoing.cli import main

main()
