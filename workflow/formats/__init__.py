"""Source formats: each module reads one format into an Article and rebuilds it."""
