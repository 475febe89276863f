"""The official SP-API models and schemas this product reads at run time (see README.md here)."""
from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parent
