"""The department portal (issue 12): personal links, submissions, the Office's approval, the web pages."""
