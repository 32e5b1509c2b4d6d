"""items API routes."""

from ninja import Router

router = Router()
