"""The fuzzing harness of cleancorp: checks, seed corpus and saved crash cases."""
