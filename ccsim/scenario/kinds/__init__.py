"""Domain kinds, one small class each: distributions (`distributions`) and crisis
events (`events`). Each module holds its kinds' classes and their one registry, so a
new kind is added in one file. Nothing here imports numba, SimPy or the scenario's
model: the model's dataclasses are the data, these classes their rules."""
