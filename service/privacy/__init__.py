"""Children's privacy: a school's settings and classes, the consent register, shares the ECT
controls, and retention that deletes."""
