/**
 * Traceback frames of a real 18.0 server, copied from the captures (file paths rewritten to
 * /opt/odoo there, Python's own left as they were). Only 18.0 was captured with whole tracebacks:
 * other versions keep the short form built in fault.ts [UNVERIFIED frames].
 */

/** `/xmlrpc/2/object` down to the retrying wrapper of `execute_cr`: shared by v18-12, v18-20 and v18-34. */
export const DISPATCH_FRAMES_18 =
  '  File "/opt/odoo/odoo/addons/base/controllers/rpc.py", line 165, in xmlrpc_2\n' +
  '    response = self._xmlrpc(service)\n' +
  '               ^^^^^^^^^^^^^^^^^^^^^\n' +
  '  File "/opt/odoo/odoo/addons/base/controllers/rpc.py", line 139, in _xmlrpc\n' +
  '    result = dispatch_rpc(service, method, params)\n' +
  '             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
  '  File "/opt/odoo/odoo/http.py", line 412, in dispatch_rpc\n' +
  '    return dispatch(method, params)\n' +
  '           ^^^^^^^^^^^^^^^^^^^^^^^^\n' +
  '  File "/opt/odoo/odoo/service/model.py", line 58, in dispatch\n' +
  '    res = execute_kw(db, uid, *params[3:])\n' +
  '          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
  '  File "/opt/odoo/odoo/service/model.py", line 81, in execute_kw\n' +
  '    return execute(db, uid, obj, method, *args, **kw or {})\n' +
  '           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
  '  File "/opt/odoo/odoo/service/model.py", line 87, in execute\n' +
  '    res = execute_cr(cr, uid, obj, method, *args, **kw)\n' +
  '          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
  '  File "/opt/odoo/odoo/service/model.py", line 72, in execute_cr\n' +
  '    result = retrying(partial(odoo.api.call_kw, recs, method, args, kw), env)\n' +
  '             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
  '  File "/opt/odoo/odoo/service/model.py", line 156, in retrying\n' +
  '    result = func()\n' +
  '             ^^^^^^\n';

/** v18-20: `call_kw` reads `args[0]` after a `model_create` method ran, to pick `.id` or `.ids`. */
export const CREATE_RESULT_FRAMES_18 =
  '  File "/opt/odoo/odoo/api.py", line 538, in call_kw\n' +
  '    result = result.id if isinstance(args[0], Mapping) else result.ids\n' +
  '                                     ~~~~^^^\n';

/** v18-34: `read` of a field the model lacks. */
export const READ_INVALID_FIELD_FRAMES_18 =
  '  File "/opt/odoo/odoo/api.py", line 535, in call_kw\n' +
  '    result = getattr(recs, name)(*args, **kwargs)\n' +
  '             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
  '  File "/opt/odoo/odoo/models.py", line 3842, in read\n' +
  '    self._origin.fetch(fields)\n' +
  '  File "/opt/odoo/odoo/models.py", line 4117, in fetch\n' +
  '    fields_to_fetch = self._determine_fields_to_fetch(field_names, ignore_when_in_cache=True)\n' +
  '                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
  '  File "/opt/odoo/odoo/models.py", line 4171, in _determine_fields_to_fetch\n' +
  '    raise ValueError(f"Invalid field {field_name!r} on model {self._name!r}")\n';

/** v18-47 / v18-49: a method returned None and the response could not be marshalled. */
export const MARSHAL_NONE_FRAMES_18 =
  '  File "/opt/odoo/odoo/addons/base/controllers/rpc.py", line 165, in xmlrpc_2\n' +
  '    response = self._xmlrpc(service)\n' +
  '               ^^^^^^^^^^^^^^^^^^^^^\n' +
  '  File "/opt/odoo/odoo/addons/base/controllers/rpc.py", line 140, in _xmlrpc\n' +
  '    return dumps((result,))\n' +
  '           ^^^^^^^^^^^^^^^^\n' +
  '  File "/opt/odoo/odoo/addons/base/controllers/rpc.py", line 114, in dumps\n' +
  '    response = OdooMarshaller(allow_none=False).dumps(params)\n' +
  '               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
  '  File "/usr/lib/python3.11/xmlrpc/client.py", line 514, in dumps\n' +
  '    dump(v, write)\n' +
  '  File "/usr/lib/python3.11/xmlrpc/client.py", line 536, in __dump\n' +
  '    f(self, value, write)\n' +
  '  File "/usr/lib/python3.11/xmlrpc/client.py", line 540, in dump_nil\n' +
  '    raise TypeError("cannot marshal None unless allow_none is enabled")\n';
