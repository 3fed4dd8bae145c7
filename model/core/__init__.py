"""What every model shares: the sheet grid and cell roles (grid), number formats and basis
markers (formats), the spec types (spec), the dataset and quarter types (dataset,
calendar), the inputs every layout is made from (inputs), the layout and its helpers
(layout), the workbook package walker and reader (package, reader), the formula
normaliser (formula) and the compared-value rule (compare). Nothing here imports a model."""
