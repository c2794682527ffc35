"""`python -m gateway.export_schema`: print the public schema in SDL (what `make schema` commits)."""

from gateway.schema import build_schema

if __name__ == "__main__":
    print(build_schema().as_str())  # noqa: T201
