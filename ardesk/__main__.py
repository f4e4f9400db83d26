from ardesk.cli import main

main()
