"""The `ocrbatch` command: `up` runs the local stack, `admin` manages organizations, projects, keys and credits."""
