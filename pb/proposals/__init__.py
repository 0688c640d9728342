"""Proposals: submitting, reviewing, supporting and browsing costed project ideas."""
