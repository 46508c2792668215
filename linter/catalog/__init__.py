"""What glmlint knows about services and images: data files with a source for every fact, and queries over them."""
