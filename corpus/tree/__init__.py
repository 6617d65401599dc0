"""What the corpus is: its sets, its samples and their names, and the rubric that says
which types and names are allowed. Every stage that reads the tree starts here."""
