from dsm_clinic.cli.main import main

main()
