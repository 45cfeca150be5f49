# The fleet report (`limitlab merge`) and what merge prints.
