export {
  XMLRPC_MAX_INT,
  XMLRPC_MIN_INT,
  XmlRpcDouble,
  XmlRpcMarshalError,
  XmlRpcProtocolError,
  isXmlRpcDouble,
  isXmlRpcStruct,
  numericValue,
  xmlDouble,
} from './values';
export type { XmlRpcDocumentKind, XmlRpcMarshalReason, XmlRpcStruct, XmlRpcValue } from './values';
export { encodeFault, encodeMethodCall, encodeMethodResponse, pythonFloatRepr } from './encode';
export type { OdooFlavour } from './encode';
export { decodeMethodCall, decodeMethodResponse } from './decode';
export type { DecodeOptions, DecodedMethodCall, DecodedMethodResponse } from './decode';
