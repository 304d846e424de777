{
    "name": "Recouvra: recovery status on invoices",
    "summary": "Shows the recovery stage and court procedure of each customer invoice, "
    "as the Recouvra connector writes them",
    "version": "16.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "Recouvra",
    "license": "LGPL-3",
    "depends": ["account"],
    # Load order: the views define the actions that the menus open.
    "data": [
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/recouvra_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "recouvra_status/static/src/**/*",
        ],
    },
    "installable": True,
    "application": False,
}
