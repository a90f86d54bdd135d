"""Talk analytics pages: a clip's talk panel, a teacher's trends, and sharing them."""
