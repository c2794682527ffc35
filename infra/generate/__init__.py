"""`python -m infra.generate --community SLUG --members N --days D --seed S`: a synthetic community (issue 4)."""
