"""`python -m composition.generate --community SLUG --members N --days D --seed S`: a synthetic community."""
