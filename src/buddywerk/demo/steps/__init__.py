"""The steps of the demo world, one module each; demo/world.py runs them in order."""
